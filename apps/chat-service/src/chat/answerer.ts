import type { Answer, Chunk } from './extractive.answerer';
import { extractiveAnswer } from './extractive.answerer';
import type { Question } from './question';

/** One earlier message of the conversation. */
export interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

/** What an answerer gets for one question: the question and the lines retrieved for it. */
export interface AnswerRequest {
  /** The question as the user wrote it. */
  text: string;
  question: Question;
  /** Lines retrieved for the question (full-text search and the patterns of what it asks for). */
  retrieved: Chunk[];
  /** The first lines of the first page, when the question asks for the issuer or the address. */
  leading: Chunk[];
  /** The conversation's earlier messages, oldest first (empty for a new conversation). */
  history: Turn[];
  /** When the question arrived (epoch ms): answerers with a time budget count from here. */
  askedAt: number;
}

/**
 * Writes an answer from retrieved lines. Citations it returns are candidates: the service keeps
 * only those whose snippet stands verbatim on their page, and declines when none is left.
 */
export interface Answerer {
  answer(request: AnswerRequest): Promise<Answer>;
}

export const ANSWERER = Symbol('ANSWERER');

/** The offline answerer (see `extractiveAnswer`): the default, and the fallback of the others. */
export class ExtractiveAnswerer implements Answerer {
  async answer(request: AnswerRequest): Promise<Answer> {
    return extractiveAnswer(request.text, request.question, request.retrieved, request.leading);
  }
}
