import { ConfigError } from '@ocr/config';
import { loadBillingConfig } from './billing.config';

describe('loadBillingConfig', () => {
  it('fills every default from a DATABASE_URL alone', () => {
    const config = loadBillingConfig({ DATABASE_URL: 'postgres://u@h:5432/db' });

    expect(config).toEqual(
      expect.objectContaining({
        BILLING_GRPC_URL: '0.0.0.0:50051',
        BILLING_COST_CPU: 1,
        BILLING_COST_VLM: 5,
        BILLING_ANON_DAILY_PAGES: 10,
        BILLING_FREE_MONTHLY_PAGES: 100,
        BILLING_MAX_PAGES_ANONYMOUS: 5,
        BILLING_MAX_PAGES_FREE: 50,
        BILLING_MAX_PAGES_PAID: 2000,
        BILLING_PRIORITY_PAID: 0,
        BILLING_PRIORITY_FREE: 1,
        BILLING_PRIORITY_ANONYMOUS: 2,
        BILLING_RESERVATION_TTL: 7_200_000,
        BILLING_SWEEP_INTERVAL: 60_000,
      }),
    );
  });

  it('stops with one message naming every bad variable', () => {
    let error: unknown;
    try {
      loadBillingConfig({ BILLING_COST_VLM: 'five', BILLING_RESERVATION_TTL: 'soon', BILLING_ANON_DAILY_PAGES: '-1' });
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['DATABASE_URL', 'BILLING_COST_VLM', 'BILLING_RESERVATION_TTL', 'BILLING_ANON_DAILY_PAGES']) {
      expect(message).toContain(name);
    }
  });
});
