import { bootOrExit } from '@ocr/config';
import { startBillingApp } from './app.factory';
import { loadBillingConfig } from './config/billing.config';

void bootOrExit(
  async () => {
    const app = await startBillingApp(loadBillingConfig());
    app.enableShutdownHooks();
    return app;
  },
  { service: 'billing' },
);
