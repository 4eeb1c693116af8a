import { IsOptional, IsString, Matches } from 'class-validator';
import type { chatV1 } from '@ocr/proto';

/** The JSON body of `POST /api/v1/chat/<uuid>/`. */
export class AskDto {
  @IsString({ message: 'message must be a string' })
  @Matches(/\S/, { message: 'message must not be empty' })
  message!: string;

  /** A conversation id returned by an earlier answer, to continue it. */
  @IsOptional()
  @IsString({ message: 'conversation must be a string (a conversation id)' })
  conversation?: string | null;
}

export interface CitationDto {
  /** 1-based page number. */
  page: number;
  /** Text that stands verbatim on that page. */
  snippet: string;
  /** The snippet's box on the page [x0, y0, x1, y1] in page pixels; empty when unknown. */
  bbox: number[];
}

export interface ChatMessageDto {
  role: 'user' | 'assistant';
  content: string;
  citations: CitationDto[];
}

/** The answer, as the contract shows it. */
export interface AskResponseDto {
  conversation: string;
  message: ChatMessageDto;
}

export interface HistoryMessageDto extends ChatMessageDto {
  created_at: string;
}

export interface ConversationDto {
  id: string;
  created_at: string;
  /** Turns, oldest first. */
  messages: HistoryMessageDto[];
}

/** `GET /api/v1/chat/<uuid>/history/`: every conversation of the job, oldest first. */
export interface HistoryResponseDto {
  uuid: string;
  conversations: ConversationDto[];
}

const roleOf = (role: string): 'user' | 'assistant' => (role === 'user' ? 'user' : 'assistant');

function mapCitation(c: chatV1.Citation): CitationDto {
  return { page: c.page, snippet: c.snippet, bbox: [...(c.bbox ?? [])] };
}

export function mapMessage(m: chatV1.ChatMessage): ChatMessageDto {
  return { role: roleOf(m.role), content: m.content, citations: (m.citations ?? []).map(mapCitation) };
}

export function mapAnswer(res: chatV1.AskResponse): AskResponseDto {
  if (!res.message) throw new Error('the chat service answered without a message');
  return { conversation: res.conversation, message: mapMessage(res.message) };
}

export function mapHistory(uuid: string, res: chatV1.GetHistoryResponse): HistoryResponseDto {
  return {
    uuid,
    conversations: (res.conversations ?? []).map((c) => ({
      id: c.id,
      created_at: c.created_at,
      messages: (c.messages ?? []).map((m) => ({ ...mapMessage(m), created_at: m.created_at })),
    })),
  };
}
