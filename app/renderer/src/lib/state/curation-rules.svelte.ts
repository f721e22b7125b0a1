import type { ApiClient } from '#api/client.ts';
import type { IdentityMetric, RuleDefaults, RulePreview, RuleRequest, ScoreHistogram, VariantTile } from '#api/curation.ts';
import type { Notices } from './notices.svelte.ts';

export type RuleKind = RuleRequest['rule']['kind'];

export function roundThreshold(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Whether applying the rule would change this tile: the host's predicate (decision-rules.ts), for the tiles on screen. */
export function ruleWouldChange(request: RuleRequest, tile: VariantTile): boolean {
  const { rule } = request;
  if (request.identityId !== undefined && tile.identityId !== request.identityId) return false;
  const target = rule.kind === 'acceptBand' ? 'accepted' : 'rejected';
  if (request.overwrite ? tile.status === target : tile.status !== 'unset') return false;
  switch (rule.kind) {
    case 'rejectBelow': {
      const score = tile[rule.metric];
      return score !== null && score < rule.threshold;
    }
    case 'rejectNearDuplicates':
      return tile.diversity !== null && tile.diversity < rule.maxDiversity;
    case 'acceptBand': {
      const score = tile[rule.metric];
      return score !== null && score >= rule.min && score <= rule.max;
    }
  }
}

/**
 * A bulk rule being set up: its thresholds (seeded from the measured verification threshold when
 * there is one), a live count of what it would change, and the histogram that shows where it cuts.
 * Applying records one action, so one undo takes it all back.
 */
export class CurationRules {
  kind = $state<RuleKind>('rejectBelow');
  metric = $state<IdentityMetric>('idToSource');
  threshold = $state(0.6);
  maxDiversity = $state(0.01);
  bandMin = $state(0.6);
  bandMax = $state(1);
  overwrite = $state(false);
  defaults = $state.raw<RuleDefaults | null>(null);
  preview = $state.raw<RulePreview | null>(null);
  histogram = $state.raw<ScoreHistogram | null>(null);
  applying = $state(false);
  readonly #client: ApiClient;
  readonly #notices: Notices;
  #previewRequest = 0;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  request(identityId: number | null): RuleRequest {
    const scope = identityId === null ? {} : { identityId };
    switch (this.kind) {
      case 'rejectBelow':
        return { rule: { kind: 'rejectBelow', metric: this.metric, threshold: this.threshold }, overwrite: this.overwrite, ...scope };
      case 'rejectNearDuplicates':
        return { rule: { kind: 'rejectNearDuplicates', maxDiversity: this.maxDiversity }, overwrite: this.overwrite, ...scope };
      case 'acceptBand':
        return {
          rule: {
            kind: 'acceptBand',
            metric: this.metric,
            min: Math.min(this.bandMin, this.bandMax),
            max: Math.max(this.bandMin, this.bandMax),
          },
          overwrite: this.overwrite,
          ...scope,
        };
    }
  }

  /** Where the rule's cut(s) fall on the histogram's axis. */
  get cuts(): number[] {
    if (this.kind === 'rejectBelow') return [this.threshold];
    if (this.kind === 'rejectNearDuplicates') return [this.maxDiversity];
    return [this.bandMin, this.bandMax];
  }

  get histogramMetric(): 'idToSource' | 'idToCentroid' | 'diversity' {
    return this.kind === 'rejectNearDuplicates' ? 'diversity' : this.metric;
  }

  async loadDefaults(): Promise<void> {
    try {
      const defaults = await this.#client.call('curation.ruleDefaults', {});
      this.defaults = defaults;
      // The measured threshold has float noise (0.698912…); a field a person edits shows what they would type.
      this.threshold = roundThreshold(defaults.identityThreshold);
      this.bandMin = roundThreshold(defaults.identityThreshold);
      this.maxDiversity = roundThreshold(defaults.diversityThreshold, 3);
    } catch (error) {
      this.#notices.report(error, 'Loading suggested thresholds');
    }
  }

  async updatePreview(identityId: number | null): Promise<void> {
    const request = ++this.#previewRequest;
    try {
      const preview = await this.#client.call('curation.rulePreview', this.request(identityId));
      if (request === this.#previewRequest) this.preview = preview;
    } catch (error) {
      this.#notices.report(error, 'Counting what the rule would change');
    }
  }

  async loadHistogram(identityId: number | null): Promise<void> {
    try {
      this.histogram = await this.#client.call('curation.histogram', {
        metric: this.histogramMetric,
        bins: 40,
        ...(identityId === null ? {} : { identityId }),
      });
    } catch (error) {
      this.#notices.report(error, 'Loading the score histogram');
    }
  }

  async apply(identityId: number | null): Promise<number | null> {
    this.applying = true;
    try {
      const result = await this.#client.call('curation.ruleApply', this.request(identityId));
      return result.changed;
    } catch (error) {
      this.#notices.report(error, 'Applying the rule');
      return null;
    } finally {
      this.applying = false;
    }
  }
}
