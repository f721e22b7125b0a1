import type { ApiClient } from '#api/client.ts';
import type { ExportFormat, ExportPreview, ExportRecord, ExportSettingsInput, OriginalsMode } from '#api/export.ts';
import type { JobStatus } from '#api/jobs.ts';
import { summarizeError, type ErrorSummary, type Notices } from './notices.svelte.ts';

/**
 * The export form and the export it started. The host runs the export as a job; this follows that
 * job's events and, once it is done, reads back the export's record with its report.
 */
export class CurationExport {
  destination = $state('');
  formats = $state<ExportFormat[]>(['imagefolder', 'huggingface', 'csv']);
  splitBy = $state<'identity' | 'source'>('identity');
  seed = $state(0);
  train = $state(0.8);
  val = $state(0.1);
  test = $state(0.1);
  originals = $state<OriginalsMode>('file');
  overwrite = $state(false);
  preview = $state.raw<ExportPreview | null>(null);
  /** Set when the settings are refused (by the preview or by start), shown beside the form. */
  error = $state.raw<ErrorSummary | null>(null);
  jobId = $state<number | null>(null);
  job = $state.raw<JobStatus | null>(null);
  result = $state.raw<ExportRecord | null>(null);
  readonly #client: ApiClient;
  readonly #notices: Notices;
  #previewRequest = 0;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  get running(): boolean {
    return this.job !== null && (this.job.state === 'queued' || this.job.state === 'running');
  }

  settings(): ExportSettingsInput {
    return {
      destination: this.destination.trim(),
      formats: this.formats,
      split: { by: this.splitBy, seed: this.seed, train: this.train, val: this.val, test: this.test },
      originals: this.originals,
      overwrite: this.overwrite,
    };
  }

  async updatePreview(): Promise<void> {
    const request = ++this.#previewRequest;
    if (this.destination.trim() === '') {
      this.preview = null;
      return;
    }
    try {
      const preview = await this.#client.call('export.preview', this.settings());
      if (request !== this.#previewRequest) return;
      this.preview = preview;
      this.error = null;
    } catch (error) {
      if (request === this.#previewRequest) this.error = summarizeError(error);
    }
  }

  async start(): Promise<void> {
    this.error = null;
    this.result = null;
    try {
      const { jobId } = await this.#client.call('export.start', this.settings());
      this.jobId = jobId;
    } catch (error) {
      this.error = summarizeError(error);
    }
  }

  /** Every job event; only ours matters. */
  apply(status: JobStatus): void {
    if (status.id !== this.jobId) return;
    this.job = status;
    if (status.state === 'done') void this.#loadResult();
    if (status.state === 'failed') this.error = { code: 'EXPORT_FAILED', message: status.error ?? 'the export failed' };
  }

  async cancel(): Promise<void> {
    if (this.jobId === null) return;
    try {
      this.apply(await this.#client.call('jobs.cancel', { jobId: this.jobId }));
    } catch (error) {
      this.#notices.report(error, 'Cancelling the export');
    }
  }

  async #loadResult(): Promise<void> {
    try {
      const records = await this.#client.call('export.list', { limit: 20 });
      this.result = records.find((record) => record.jobId === this.jobId) ?? null;
    } catch (error) {
      this.#notices.report(error, 'Reading the export report');
    }
  }
}
