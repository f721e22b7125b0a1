/**
 * libvips keeps one error buffer for the whole process: when two decodes fail at the same time,
 * one can read the other's message, or none at all ("Unknown error"). Decodes run side by side
 * through the gate; one that fails is run again alone, so the reason stored for a file never
 * depends on what happened to be decoding beside it, and a resumed import stores the same text.
 */
export class DecodeGate {
  #active = 0;
  #alone: Promise<void> | null = null;
  #whenIdle: (() => void)[] = [];

  async run<T>(decode: () => Promise<T>): Promise<T> {
    try {
      return await this.#together(decode);
    } catch {
      return this.#byItself(decode);
    }
  }

  async #together<T>(decode: () => Promise<T>): Promise<T> {
    while (this.#alone) await this.#alone;
    this.#active += 1;
    try {
      return await decode();
    } finally {
      this.#active -= 1;
      if (this.#active === 0) for (const wake of this.#whenIdle.splice(0)) wake();
    }
  }

  async #byItself<T>(decode: () => Promise<T>): Promise<T> {
    while (this.#alone) await this.#alone;
    const turn = (async () => {
      if (this.#active > 0) await new Promise<void>((wake) => this.#whenIdle.push(wake));
      return decode();
    })();
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.#alone = settled;
    try {
      return await turn;
    } finally {
      if (this.#alone === settled) this.#alone = null;
    }
  }
}
