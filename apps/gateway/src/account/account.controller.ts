import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard';
import { CurrentCaller } from '../auth/caller.decorator';
import type { Caller } from '../billing/billing.repository';
import { AccountDto, AccountService } from './account.service';

@Controller('api/v1/account')
@UseGuards(AuthGuard)
export class AccountController {
  constructor(private readonly service: AccountService) {}

  @Get()
  get(@CurrentCaller() caller: Caller): AccountDto {
    return this.service.describe(caller);
  }
}
