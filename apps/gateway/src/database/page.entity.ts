import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { JobPage } from '@ocr/documents';
import { JobEntity } from './job.entity';

export type PageStatus = 'pending' | 'done' | 'failed';

/** One page of a job; its result arrives from a worker. Keyed by (job, index): results are idempotent. */
@Entity({ schema: 'jobs', name: 'page' })
export class PageEntity {
  @PrimaryColumn('uuid')
  job_id!: string;

  @PrimaryColumn('int')
  index!: number;

  @Column('text')
  status!: PageStatus;

  /** The page as the contract serves it (text, blocks, lines, words, tables, …); null while pending. */
  @Column('jsonb', { nullable: true })
  result!: JobPage | null;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('text', { nullable: true })
  worker_id!: string | null;

  @Column('timestamptz', { nullable: true })
  finished_at!: Date | null;

  @ManyToOne(() => JobEntity, (j) => j.pages, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: JobEntity;
}
