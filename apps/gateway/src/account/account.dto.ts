import { billingV1 } from '@ocr/proto';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

/** `POST /api/v1/accounts/`: sign up for a free account. */
export class CreateAccountDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'email is required.' })
  @MaxLength(254, { message: 'email must be at most 254 characters.' })
  @IsEmail({}, { message: 'email must be an e-mail address.' })
  email!: string;
}

/** `POST /api/v1/account/tokens/`: issue another token, with an optional label such as "laptop". */
export class IssueTokenDto {
  @IsOptional()
  @IsString({ message: 'label must be a string.' })
  @Length(1, 100, { message: 'label must be 1 to 100 characters.' })
  @Matches(/^[^\p{Cc}]*$/u, { message: 'label must not contain control characters.' })
  label?: string;
}

/** What a user sees of their account: plan, balance, usage this period and its cap. */
export interface AccountDto {
  id: string;
  email: string;
  plan: 'anonymous' | 'free' | 'paid';
  /** Purchased credits left (paid plans). */
  balance: number;
  /** Credits used in the current period (the month, UTC). */
  used_this_period: number;
  /** The period's allowance (free plan); 0 when the plan has none (paid accounts spend their balance). */
  period_cap: number;
  max_pages_per_file: number;
  created_at: string;
}

/** A token in clear text: shown once, in this response, never again. */
export interface IssuedTokenDto {
  token: string;
  /** The token's id: `DELETE /api/v1/account/tokens/<token_id>/` revokes it. */
  token_id: string;
  label: string;
}

/** The answer to a sign-up: the new account and its first token (shown once). */
export interface CreatedAccountDto {
  account: AccountDto;
  token: string;
  token_id: string;
}

const PLANS: Record<string, AccountDto['plan']> = {
  [billingV1.Plan.PLAN_ANONYMOUS]: 'anonymous',
  [billingV1.Plan.PLAN_FREE]: 'free',
  [billingV1.Plan.PLAN_PAID]: 'paid',
};

/** Billing's account as the account page shows it. */
export function mapAccount(a: billingV1.Account): AccountDto {
  return {
    id: a.id,
    email: a.email,
    plan: PLANS[a.plan] ?? 'free',
    balance: a.balance,
    used_this_period: a.used_this_period,
    period_cap: a.period_cap,
    max_pages_per_file: a.max_pages_per_file,
    created_at: a.created_at,
  };
}
