import 'reflect-metadata';
import { bootOrExit } from '@ocr/config';
import { loadExportConfig } from './config/export.config';
import { startExportApp } from './export.app';

void bootOrExit(() => startExportApp(loadExportConfig()), { service: 'export-service' });
