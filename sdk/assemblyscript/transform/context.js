// @ts-check
// What every pass shares: the compiler module asc runs (its node kinds and flags) and the diagnostics.

/**
 * @typedef {import("assemblyscript").Node} Node
 */

/**
 * A compiler enum as an object: declared `const enum` in its typings, but a real object in the module asc runs.
 * @template E
 * @typedef {{ readonly [P in keyof E]: E[P] }} EnumObject
 */

/**
 * @typedef {{
 *   NodeKind: EnumObject<typeof import("assemblyscript").NodeKind>,
 *   LiteralKind: EnumObject<typeof import("assemblyscript").LiteralKind>,
 *   CommonFlags: EnumObject<typeof import("assemblyscript").CommonFlags>,
 *   SourceKind: EnumObject<typeof import("assemblyscript").SourceKind>,
 * }} Enums
 */

export class Context {
  /**
   * @param {typeof import("assemblyscript")} as the compiler module asc itself runs (same enums and classes)
   * @param {string} baseDir asc's --baseDir (the module project)
   */
  constructor(as, baseDir) {
    const enums = /** @type {Enums} */ (/** @type {unknown} */ (as));
    /** node kinds */
    this.K = enums.NodeKind;
    /** literal kinds */
    this.L = enums.LiteralKind;
    /** declaration flags */
    this.F = enums.CommonFlags;
    /** source kinds */
    this.S = enums.SourceKind;
    this.baseDir = baseDir;
    /** @type {string[]} "file:line:col: error: message", reported (sorted, deduplicated) by the transform */
    this.errors = [];
  }

  /**
   * "file:line:col" of a node, or "(unknown)".
   * @param {Node | null | undefined} node
   */
  where(node) {
    const range = node && node.range;
    if (!range || !range.source) return "(unknown)";
    const src = range.source;
    const line = src.lineAt(range.start);
    const col = src.columnAt();
    return `${src.normalizedPath}:${line}:${col}`;
  }

  /**
   * Reports a misuse at a node of the user's code.
   * @param {Node | null | undefined} node
   * @param {string} message
   */
  error(node, message) {
    this.errors.push(`${this.where(node)}: error: ${message}`);
  }
}
