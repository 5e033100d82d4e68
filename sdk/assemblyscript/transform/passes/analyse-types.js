// @ts-check
// Pass 3, analyse: the types. Maps type annotations to type references (TypeRef) and reads the @table, @type and
// @enumType classes into type definitions.

import { options, typeNameText, instanceFields } from "../ast.js";
import { PRIMS, UNSUPPORTED_HINTS, isReference, describe } from "../types.js";

/**
 * @typedef {import("../context.js").Context} Context
 * @typedef {import("../model.js").Collected} Collected
 * @typedef {import("../model.js").Bindings} Bindings
 * @typedef {import("../model.js").TypeRef} TypeRef
 * @typedef {import("../model.js").TypeDef} TypeDef
 * @typedef {import("../model.js").MemberDecorator} MemberDecorator
 * @typedef {import("assemblyscript").Node} Node
 * @typedef {import("assemblyscript").TypeNode} TypeNode
 * @typedef {import("assemblyscript").NamedTypeNode} NamedTypeNode
 */

/** What resolving a type annotation looks at: this module's classes and the bindings' types. */
/** @typedef {{ typesByAs: Map<string, TypeDef>, bindings: Bindings }} TypeScope */

/**
 * Maps a type annotation to a type reference, or reports an error and returns null.
 * @param {Context} ctx
 * @param {TypeScope} scope
 * @param {TypeNode | null} node
 * @param {string} what the annotated thing, for messages
 * @param {boolean} [allowUnit] Unit is allowed (enum variants)
 * @returns {TypeRef | null}
 */
export function resolveType(ctx, scope, node, what, allowUnit = false) {
  const K = ctx.K;
  if (!node || node.kind !== K.NamedType) {
    ctx.error(node, `unsupported type for ${what} (function and tuple-literal types are not supported)`);
    return null;
  }
  const named = /** @type {NamedTypeNode} */ (node);
  const name = typeNameText(named);
  if (name === "") {
    ctx.error(node, `${what} needs a type annotation`);
    return null;
  }
  const args = named.typeArguments || [];
  /**
   * @param {TypeRef} t
   * @returns {TypeRef | null}
   */
  const wrapNullable = (t) => {
    if (!node.isNullable) return t;
    if (!isReference(t) || t.k === "opt") {
      ctx.error(node, `${what}: '${describe(t)} | null' is not supported; use Option<${describe(t)}> for optional value types`);
      return null;
    }
    return { k: "opt", el: t, nullable: true };
  };
  if (name in PRIMS) {
    if (args.length) ctx.error(node, `${name} takes no type arguments`);
    return wrapNullable({ k: "prim", name });
  }
  if (name === "Array") {
    if (args.length !== 1) {
      ctx.error(node, "Array needs one type argument");
      return null;
    }
    const el = resolveType(ctx, scope, args[0], `the elements of ${what}`);
    return el && wrapNullable({ k: "vec", el });
  }
  if (name === "Option") {
    if (args.length !== 1) {
      ctx.error(node, "Option needs one type argument");
      return null;
    }
    if (node.isNullable) {
      ctx.error(node, `${what}: Option<T> | null is not supported`);
      return null;
    }
    const el = resolveType(ctx, scope, args[0], `the value of ${what}`);
    return el && { k: "opt", el, nullable: false };
  }
  const tm = /^Tuple([234])$/.exec(name);
  if (tm) {
    if (args.length !== Number(tm[1])) {
      ctx.error(node, `${name} needs ${tm[1]} type arguments`);
      return null;
    }
    const items = args.map((a, i) => resolveType(ctx, scope, a, `element ${i} of ${what}`));
    if (items.some((x) => !x)) return null;
    return wrapNullable({ k: "tuple", items: /** @type {TypeRef[]} */ (items) });
  }
  if (name === "Unit") {
    if (!allowUnit) {
      ctx.error(node, `Unit is only allowed as the payload of an @enumType variant`);
      return null;
    }
    return { k: "unit" };
  }
  const def = scope.typesByAs.get(name) || (scope.bindings && scope.bindings.typesByAs.get(name));
  if (def) {
    if (args.length) ctx.error(node, `${name} takes no type arguments`);
    return wrapNullable({ k: "named", name: def.name, as: def.as, ns: /** @type {{ ns?: string }} */ (def).ns || "", display: name });
  }
  const hint = UNSUPPORTED_HINTS[name];
  ctx.error(
    node,
    `unsupported type '${name}' for ${what}` +
      (hint
        ? ` (${hint})`
        : "; supported: u8, u32, u64, i32, i64, f32, f64, bool, string, Array<T>, Option<T>, T | null, Tuple2..4, and @table/@type/@enumType classes"),
  );
  return null;
}

/**
 * The @primaryKey/@index decorators of a class member.
 * @param {Collected} c
 * @param {Node | undefined} member
 * @returns {MemberDecorator[]}
 */
export function memberDecorators(c, member) {
  return (member && c.memberDecorators.get(member)) || [];
}

/**
 * The classes: every table, type and enum class with its fields or variants.
 * @param {Context} ctx
 * @param {Collected} c
 * @param {Bindings} bindings
 */
export function analyseTypes(ctx, c, bindings) {
  /** @type {Map<string, TypeDef>} by schema name */
  const types = new Map();
  /** @type {Map<string, TypeDef>} by class name */
  const typesByAs = new Map();
  const scope = { typesByAs, bindings };
  // First register every class name, so types can refer to each other in any order.
  /** @type {Map<string, import("assemblyscript").ClassDeclaration>} */
  const seen = new Map();
  for (const e of c.decls.classes) {
    const cls = e.decl;
    const name = cls.name.text; // a table's type_name is its class name too
    const previous = seen.get(name);
    if (previous) {
      ctx.error(cls.name, `type ${name} is declared twice (also at ${ctx.where(previous.name)})`);
      continue;
    }
    seen.set(name, cls);
    if (cls.typeParameters && cls.typeParameters.length)
      ctx.error(cls.name, `${e.kind === "table" ? "a @table" : "an Interstice type"} class cannot be generic`);
    if (cls.extendsType)
      ctx.error(cls.extendsType, `${name}: Interstice types cannot extend another class (all fields must be declared in the class)`);
    if (cls.flags & ctx.F.Abstract) ctx.error(cls.name, `${name}: Interstice types cannot be abstract`);
    const alias = `__u${c.userSources.indexOf(e.file)}_${name}`;
    /** @type {TypeDef} */
    const def = {
      kind: e.kind === "enumType" ? "enum" : "struct",
      name,
      as: alias,
      asName: name,
      decl: cls,
      file: e.file,
      entry: e,
      fields: [],
      variants: [],
    };
    types.set(name, def);
    typesByAs.set(name, def);
  }
  for (const def of types.values()) {
    const fields = instanceFields(ctx, def.decl);
    if (def.kind === "enum") {
      const tag = fields.find((f) => f.name.text === "tag");
      if (!tag || !tag.type || typeNameText(/** @type {NamedTypeNode} */ (tag.type)) !== "string" || tag.type.isNullable) {
        ctx.error(def.decl.name, `@enumType ${def.name} needs a field 'tag: string' holding the name of the active variant`);
      }
      for (const f of fields) {
        if (f.name.text === "tag") continue;
        const decs = memberDecorators(c, f);
        if (decs.length) ctx.error(decs[0].d, `@${decs[0].name} is only allowed in @table classes`);
        const t = resolveType(ctx, scope, f.type, `variant ${def.name}.${f.name.text}`, true);
        if (t) def.variants.push({ name: f.name.text, prop: f.name.text, type: t, decl: f });
      }
      if (!def.variants.length)
        ctx.error(def.decl.name, `@enumType ${def.name} has no variants (declare one field per variant besides 'tag')`);
    } else {
      for (const f of fields) {
        const decs = memberDecorators(c, f);
        if (def.entry.kind !== "table" && decs.length) {
          ctx.error(decs[0].d, `@${decs[0].name} is only allowed in @table classes`);
        }
        const t = resolveType(ctx, scope, f.type, `field ${def.name}.${f.name.text}`);
        if (t) def.fields.push({ name: f.name.text, prop: f.name.text, type: t, decl: f });
      }
      if (!fields.length && def.entry.kind === "type") ctx.error(def.decl.name, `@type ${def.name} has no fields`);
    }
    if (def.entry.kind === "type" || def.entry.kind === "enumType") {
      options(ctx, def.entry.d, {});
    }
  }
  return { types, typesByAs };
}
