import { Controller } from '@nestjs/common';
import { billingV1 } from '@ocr/proto';
import {
  mapAccount,
  mapReserve,
  mapSettle,
  parseAddCredits,
  parseAuthenticate,
  parseCreateAccount,
  parseGetAccount,
  parseIssueToken,
  parseReserve,
  parseRevokeToken,
  parseSetPlan,
  parseSettle,
} from './billing.dto';
import { BillingService } from './billing.service';

/** The gRPC surface of ocr.billing.v1.BillingService: validate, delegate, map. */
@Controller()
@billingV1.BillingServiceControllerMethods()
export class BillingController implements billingV1.BillingServiceController {
  constructor(private readonly billing: BillingService) {}

  async authenticate(req: billingV1.AuthenticateRequest): Promise<billingV1.AuthenticateResponse> {
    return { account: mapAccount(await this.billing.authenticate(parseAuthenticate(req))) };
  }

  async reserve(req: billingV1.ReserveRequest): Promise<billingV1.ReserveResponse> {
    return mapReserve(await this.billing.reserve(parseReserve(req)));
  }

  async settle(req: billingV1.SettleRequest): Promise<billingV1.SettleResponse> {
    return mapSettle(await this.billing.settle(parseSettle(req)));
  }

  async createAccount(req: billingV1.CreateAccountRequest): Promise<billingV1.CreateAccountResponse> {
    const { email, plan, credits } = parseCreateAccount(req);
    const created = await this.billing.createAccount(email, plan, credits);
    return { account: mapAccount(created), token: created.token, token_id: created.tokenId };
  }

  async issueToken(req: billingV1.IssueTokenRequest): Promise<billingV1.IssueTokenResponse> {
    const { accountId, label } = parseIssueToken(req);
    const issued = await this.billing.issueToken(accountId, label);
    return { token: issued.token, token_id: issued.tokenId };
  }

  async revokeToken(req: billingV1.RevokeTokenRequest): Promise<billingV1.RevokeTokenResponse> {
    const { accountId, tokenId } = parseRevokeToken(req);
    return { revoked: await this.billing.revokeToken(accountId, tokenId) };
  }

  async getAccount(req: billingV1.GetAccountRequest): Promise<billingV1.GetAccountResponse> {
    return { account: mapAccount(await this.billing.getAccount(parseGetAccount(req))) };
  }

  async addCredits(req: billingV1.AddCreditsRequest): Promise<billingV1.AddCreditsResponse> {
    const { accountId, credits, reason } = parseAddCredits(req);
    return { balance: await this.billing.addCredits(accountId, credits, reason) };
  }

  async setPlan(req: billingV1.SetPlanRequest): Promise<billingV1.SetPlanResponse> {
    const { accountId, plan } = parseSetPlan(req);
    return { account: mapAccount(await this.billing.setPlan(accountId, plan)) };
  }
}
