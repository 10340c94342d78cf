import { hash32 } from "./random.js";
import { ERROR_SLOTS } from "./task-id.js";

/**
 * The error texts tasks were given, each in a slot a task id can name. A text's slot comes from
 * its hash alone, so every process that has seen a text keeps it in the same slot; one process
 * holds at most ERROR_SLOTS texts, a text of at most MAX_ERROR_LENGTH characters each.
 */
export class ErrorTexts {
  readonly #bySlot = new Map<number, string>();

  /**
   * The slot holding `text`, taking its slot when free; undefined when another text holds it.
   *
   * @example texts.slotOf("moderation: blocked") // 2731
   */
  slotOf(text: string): number | undefined {
    const slot = (hash32(text) % ERROR_SLOTS) + 1;
    const held = this.#bySlot.get(slot);
    if (held === undefined) this.#bySlot.set(slot, text);
    return held === undefined || held === text ? slot : undefined;
  }

  /** The text in a slot, if this process has seen one there. */
  textOf(slot: number): string | undefined {
    return this.#bySlot.get(slot);
  }
}
