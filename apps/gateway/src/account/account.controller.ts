import { Body, Controller, Delete, Get, HttpCode, Ip, Param, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard';
import { CurrentCaller } from '../auth/caller.decorator';
import type { Caller } from '../billing/billing.repository';
import { AccountDto, CreateAccountDto, CreatedAccountDto, IssuedTokenDto, IssueTokenDto } from './account.dto';
import { AccountService } from './account.service';

/** Sign-up (no token) and the account page (an account token): plan and usage, issue and revoke tokens. */
@Controller('api/v1')
export class AccountController {
  constructor(private readonly service: AccountService) {}

  @Post('accounts')
  signUp(@Body() dto: CreateAccountDto, @Ip() clientIp: string): Promise<CreatedAccountDto> {
    return this.service.signUp(dto, clientIp);
  }

  @Get('account')
  @UseGuards(AuthGuard)
  get(@CurrentCaller() caller: Caller): AccountDto {
    return this.service.describe(caller);
  }

  @Post('account/tokens')
  @UseGuards(AuthGuard)
  issueToken(@CurrentCaller() caller: Caller, @Body() dto: IssueTokenDto): Promise<IssuedTokenDto> {
    return this.service.issueToken(caller, dto);
  }

  @Delete('account/tokens/:tokenId')
  @UseGuards(AuthGuard)
  @HttpCode(204)
  revokeToken(@CurrentCaller() caller: Caller, @Param('tokenId') tokenId: string): Promise<void> {
    return this.service.revokeToken(caller, tokenId);
  }
}
