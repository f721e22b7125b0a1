import type { ApiClient } from '#api/client.ts';
import type { HeadPoseSpec, LightSpec, PackSummary, PosePreview, RelightPreview } from '#api/synthesis.ts';
import type { Notices } from './notices.svelte.ts';
import {
  buildRequest,
  defaultExpressionForm,
  defaultOcclusionForm,
  defaultPoseForm,
  defaultRelightForm,
  packKey,
  posePreviewTurn,
  relightPreviewLight,
  rowsFor,
  type SynthesisForm,
} from './synthesis-form.ts';

/** The synthesize panel: the project's generators, the form, and starting a job from it. */
export class SynthesisState {
  packs = $state.raw<PackSummary[]>([]);
  form = $state<SynthesisForm>({
    packKey: 'default',
    relight: defaultRelightForm(),
    occlusion: defaultOcclusionForm(),
    pose: defaultPoseForm(),
    expression: defaultExpressionForm(),
    refit: false,
    sources: 'all',
    identityIds: [],
    rows: [],
    variantsPerSource: 8,
    seed: 0,
    refineIterations: 0,
  });
  starting = $state(false);
  /** The last relight preview, with the light it was made under (the form may have moved on since). */
  preview = $state.raw<(RelightPreview & { light: LightSpec }) | null>(null);
  previewing = $state(false);
  /** The last pose preview, with the turn it was made with (the form may have moved on since). */
  posePreview = $state.raw<(PosePreview & { pose: HeadPoseSpec }) | null>(null);
  posePreviewing = $state(false);
  addingPack = $state(false);
  readonly pack = $derived(this.packs.find((p) => packKey(p) === this.form.packKey) ?? null);
  readonly built = $derived(buildRequest(this.form, this.packs));
  readonly #client: ApiClient;
  readonly #notices: Notices;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  async load(): Promise<void> {
    try {
      this.packs = await this.#client.call('synthesis.packs', {});
      if (!this.pack && this.packs.length > 0) this.choosePack(packKey(this.packs[0]));
      else if (this.pack && this.form.rows.length === 0) this.form.rows = rowsFor(this.pack);
    } catch (error) {
      this.#notices.report(error, 'Loading generators');
    }
  }

  choosePack(key: string): void {
    this.form.packKey = key;
    const pack = this.packs.find((p) => packKey(p) === key);
    this.form.rows = pack ? rowsFor(pack) : [];
  }

  /** A pack folder is checked and added; a StyleGAN2 checkpoint (.pt, .pth, .pkl) is imported into a pack first. */
  async addPack(path: string): Promise<boolean> {
    this.addingPack = true;
    try {
      const added = isCheckpoint(path)
        ? await this.#client.call('synthesis.importCheckpoint', { checkpoint: path })
        : await this.#client.call('synthesis.addPack', { path });
      await this.load();
      this.choosePack(packKey(added));
      return true;
    } catch (error) {
      this.#notices.report(error, 'Adding the generator pack');
      return false;
    } finally {
      this.addingPack = false;
    }
  }

  /** One source under a light the batch will use (the chosen preset lamp, or the custom light), before it runs. */
  async previewRelight(): Promise<void> {
    this.previewing = true;
    try {
      const light = relightPreviewLight(this.form.relight);
      const preview = await this.#client.call('synthesis.previewRelight', {
        identityId: this.form.relight.previewIdentityId,
        light,
        size: 256,
      });
      this.preview = { ...preview, light };
    } catch (error) {
      this.#notices.report(error, 'Previewing the light');
    } finally {
      this.previewing = false;
    }
  }

  /** One source turned by a turn the batch will make (the chosen preset turn, or the pad's), before it runs. */
  async previewPose(): Promise<void> {
    this.posePreviewing = true;
    try {
      const pose = posePreviewTurn(this.form.pose);
      const preview = await this.#client.call('synthesis.previewPose', { identityId: this.form.pose.previewIdentityId, pose, size: 256 });
      this.posePreview = { ...preview, pose };
    } catch (error) {
      this.#notices.report(error, 'Previewing the head turn');
    } finally {
      this.posePreviewing = false;
    }
  }

  /** Queues the job; progress then shows in the job bar like any job. */
  async start(): Promise<number | null> {
    const built = this.built;
    if (!('request' in built)) return null;
    this.starting = true;
    try {
      const { jobId } = await this.#client.call('synthesis.start', built.request);
      return jobId;
    } catch (error) {
      this.#notices.report(error, 'Starting synthesis');
      return null;
    } finally {
      this.starting = false;
    }
  }
}

export function isCheckpoint(path: string): boolean {
  return /\.(pt|pth|pkl)$/i.test(path.trim());
}
