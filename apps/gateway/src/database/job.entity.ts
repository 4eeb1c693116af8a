import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryColumn } from 'typeorm';
import type { JobStatus, Tier } from '@ocr/documents';
import { PageEntity } from './page.entity';

/** A job: one uploaded file, read page by page. Owned by the gateway (schema `jobs`). */
@Entity({ schema: 'jobs', name: 'job' })
export class JobEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** The account that owns the job; null for anonymous callers (then `client_ip` identifies them). */
  @Index()
  @Column('uuid', { nullable: true })
  account_id!: string | null;

  @Column('text', { nullable: true })
  client_ip!: string | null;

  @Column('text')
  status!: JobStatus;

  @Column('text')
  tier!: Tier;

  /** The language the caller asked for (`auto` or a code). */
  @Column('text')
  language!: string;

  @Column('text', { nullable: true })
  tool!: string | null;

  @Column('text')
  mime!: string;

  @Column('text', { nullable: true })
  file_name!: string | null;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  file_size!: number;

  /** Object-storage key of the upload; null once it has been deleted. */
  @Column('text', { nullable: true })
  upload_key!: string | null;

  @Column('int')
  page_count!: number;

  @Column('int', { default: 0 })
  pages_done!: number;

  @Column('int', { default: 0 })
  pages_failed!: number;

  @Column('int')
  priority!: number;

  @Column('double precision', { default: 0 })
  mean_confidence!: number;

  @Column('text', { default: '' })
  text!: string;

  @Column('text', { default: '' })
  markdown!: string;

  @Column('text', { nullable: true })
  error!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column('timestamptz', { nullable: true })
  finished_at!: Date | null;

  /** When the results may be deleted by the retention sweeper. */
  @Index()
  @Column('timestamptz', { nullable: true })
  expires_at!: Date | null;

  /** True once billing has settled the job's reservation. */
  @Column('boolean', { default: false })
  settled!: boolean;

  @OneToMany(() => PageEntity, (p) => p.job)
  pages?: PageEntity[];
}
