import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
@Module({}) class AppModule {}
async function main() { const app = await NestFactory.create(AppModule); await app.listen(0); console.log('up', app.getHttpServer().address()); await app.close(); }
void main();
