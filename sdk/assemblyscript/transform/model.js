// @ts-check
// The transform's model: what each pass reads and adds. Plain data (no behaviour); this file only documents
// its shape. The passes, in order (transform/index.js runs them, stopping after any pass that reported errors):
//
//   collect   (passes/collect.js)   the user's sources, the entry file, package.json, the decorated declarations
//                                   (decorators checked and stripped)                        -> Collected
//   bindings  (passes/bindings.js)  src/bindings/*.toml: other modules and nodes, their types -> Bindings
//   analyse   (passes/analyse.js, passes/analyse-functions.js)
//                                   types, tables, the module, reducers, queries, subscriptions -> Model
//   access    (passes/access.js)    the tables each reducer/query touches (added to their `access`)
//   schema    (passes/schema.js)    the ABI ModuleSchema value                               -> ModuleSchema
//   codegen   (passes/codegen.js, passes/codegen-bindings.js)
//                                   the glue file: codecs, table handles, wrappers, describe -> string

export {};

// ---- AssemblyScript AST (the compiler's own classes) ------------------------------------------------

/**
 * @typedef {import("assemblyscript").Source} Source
 * @typedef {import("assemblyscript").Node} Node
 * @typedef {import("assemblyscript").DecoratorNode} DecoratorNode
 * @typedef {import("assemblyscript").ClassDeclaration} ClassDeclaration
 * @typedef {import("assemblyscript").FunctionDeclaration} FunctionDeclaration
 * @typedef {import("assemblyscript").MethodDeclaration} MethodDeclaration
 * @typedef {import("assemblyscript").FieldDeclaration} FieldDeclaration
 * @typedef {import("assemblyscript").DeclarationStatement} DeclarationStatement
 * @typedef {import("assemblyscript").ParameterNode} ParameterNode
 */

// ---- collect ------------------------------------------------------------------------------------------

/**
 * A top-level declaration carrying one of our decorators.
 * @typedef {Object} DeclEntry
 * @property {"module" | "table" | "type" | "enumType" | "reducer" | "query"} kind the decorator
 * @property {DecoratorNode} d the decorator (already removed from the declaration)
 * @property {ClassDeclaration | FunctionDeclaration} decl
 * @property {Source} file the user source declaring it
 */

/**
 * @typedef {DeclEntry & { decl: ClassDeclaration }} ClassEntry
 * @typedef {DeclEntry & { decl: FunctionDeclaration }} FunctionEntry
 */

/**
 * `@primaryKey` / `@index` / `@defaultValue` on a class field.
 * @typedef {Object} MemberDecorator
 * @property {"primaryKey" | "index" | "defaultValue"} name
 * @property {DecoratorNode} d
 */

/**
 * The module project: the directory of the package.json nearest above the entry file, and its contents.
 * @typedef {Object} Project
 * @property {string} dir
 * @property {{ name?: unknown, version?: unknown }} pkg
 */

/**
 * @typedef {Object} Collected
 * @property {Source[]} userSources the user's files (not ~lib), in parse order; aliases in the glue use their index
 * @property {Source[]} entries the user's entry files (normally one; the glue replaces them as the entry)
 * @property {Source} entry the first entry file (the glue is placed beside it)
 * @property {string} runtime "minimal", "incremental", "stub", or "custom"
 * @property {Project} project
 * @property {{ classes: ClassEntry[], functions: FunctionEntry[], module: ClassEntry[] }} decls
 * @property {Map<string, (FunctionDeclaration | MethodDeclaration)[]>} functions every user function and method by
 *   name (access inference follows calls by name)
 * @property {Map<Node, MemberDecorator[]>} memberDecorators the @primaryKey/@index of each decorated class member
 */

// ---- types --------------------------------------------------------------------------------------------

/**
 * A field type. `named` refers to a @table/@type/@enumType class of this module (ns "") or a type of a binding
 * (ns "bindings.<module>" / "bindings.<node>.<module>"); `as` is its AssemblyScript type expression in the glue,
 * `display` its name in messages; `table` is set on the row types of subscription events.
 * @typedef {{ k: "prim", name: string }
 *   | { k: "vec", el: TypeRef }
 *   | { k: "opt", el: TypeRef, nullable: boolean }
 *   | { k: "tuple", items: TypeRef[] }
 *   | { k: "named", name: string, as: string, ns: string, display: string, table?: TableShape }
 *   | { k: "unit" }
 *   | { k: "event", name: "FileEvent" | "NetworkEvent" | "ModuleEvent" | "InputEvent" }} TypeRef a reducer's argument; "event": an authority's event
 */

/** @typedef {TypeRef | { k: "void" }} ReturnType a query's result (`void` encodes as Void) */

/**
 * A struct field or an enum variant.
 * @typedef {Object} Field
 * @property {string} name the schema name
 * @property {string} prop the AssemblyScript property
 * @property {TypeRef} type
 * @property {FieldDeclaration} [decl] (this module's classes only)
 */

/**
 * A @table, @type or @enumType class of this module.
 * @typedef {Object} TypeDef
 * @property {"struct" | "enum"} kind
 * @property {string} name the schema name (the class name)
 * @property {string} as its alias in the glue: __u<source index>_<class>
 * @property {string} asName the class name
 * @property {ClassDeclaration} decl
 * @property {Source} file
 * @property {ClassEntry} entry
 * @property {Field[]} fields (structs)
 * @property {Field[]} variants (enums; `tag` holds the active variant's name)
 */

/**
 * A struct or enum of a binding; `schemaDef` is its IntersticeTypeDef as written in the binding file.
 * @typedef {Object} BindingTypeDef
 * @property {"struct" | "enum"} kind
 * @property {string} name
 * @property {string} as e.g. bindings.store.Item
 * @property {string} ns
 * @property {import("./postcard.js").TypeDefValue} schemaDef
 * @property {Field[]} [fields]
 * @property {Field[]} [variants]
 */

/** @typedef {TypeDef | BindingTypeDef} AnyTypeDef what a codec needs: kind, name, fields or variants */

// ---- tables -------------------------------------------------------------------------------------------

/**
 * @typedef {Object} Index
 * @property {Field} field
 * @property {"Hash" | "BTree"} type
 * @property {boolean} unique
 * @property {boolean} autoInc
 */

/**
 * What a table handle and a row codec need, for this module's tables and the tables of bindings alike.
 * @typedef {Object} TableShape
 * @property {string} name
 * @property {string} typeName the row type's schema name
 * @property {string} as the row class in the glue
 * @property {string} ns "" for this module's tables
 * @property {Field} pk
 * @property {Field[]} entries the other fields, in order
 * @property {Index[]} indexes
 * @property {Composite[]} [composites] composite btree indexes (this module's tables only)
 */

/**
 * A composite btree index over several fields, in order.
 * @typedef {Object} Composite
 * @property {Field[]} fields
 */

/**
 * A @table of this module.
 * @typedef {TableShape & {
 *   def: TypeDef,
 *   visibility: "Public" | "Private",
 *   persistence: "Logged" | "Stateful" | "Ephemeral",
 *   pkAutoInc: boolean,
 *   module: string,
 *   defaults: { column: string, bytes: number[] }[],
 * }} Table
 */

/**
 * A table of a binding (`ident` is its property on the handle, `display` its row type in messages).
 * @typedef {TableShape & { ident: string, display: string, visibility: string }} BindingTable
 */

// ---- bindings -----------------------------------------------------------------------------------------

/**
 * @typedef {Object} BindingCall a reducer or query of a bound module
 * @property {string} name
 * @property {{ name: string, type: TypeRef }[]} args
 * @property {ReturnType} [returnType] (queries)
 */

/**
 * A module described in src/bindings: on this node (`node` null) or in a node binding.
 * @typedef {Object} BoundModule
 * @property {string} name
 * @property {string} ident its identifier in the glue (ctx.modules.<ident>)
 * @property {string} ns its namespace of types
 * @property {string} file the binding file, relative to the project
 * @property {BoundNode | null} node
 * @property {Version} version
 * @property {BindingTable[]} tables
 * @property {BindingCall[]} reducers
 * @property {BindingCall[]} queries
 * @property {Map<string, BindingTypeDef>} defs by type name
 */

/**
 * A node described in src/bindings.
 * @typedef {Object} BoundNode
 * @property {string} name
 * @property {string} ident
 * @property {string} address
 * @property {string | null} fingerprint the key the node must present (docs/abi.md §5, interstice_node_keys), or null
 * @property {string} file
 * @property {BoundModule[]} modules
 * @property {Map<string, BoundModule>} modulesByIdent
 */

/** @typedef {import("./passes/bindings.js").Bindings} Bindings */

// ---- the module, reducers, queries --------------------------------------------------------------------

/**
 * @typedef {Object} Version
 * @property {number} major
 * @property {number} minor
 * @property {number} patch
 */

/**
 * The module itself: package.json, overridden by @module({...}).
 * @typedef {Object} ModuleDecl
 * @property {string} name
 * @property {Version} version
 * @property {"Public" | "Private"} visibility
 * @property {string[]} authorities
 * @property {{ node: string, module: string, table: string }[]} replicated
 */

/** @typedef {import("./postcard.js").TableRef} TableRef */

/**
 * The tables a reducer (all four) or a query (reads) touches, by a key that identifies the table.
 * @typedef {Object} Access
 * @property {Map<string, TableRef>} reads
 * @property {Map<string, TableRef>} inserts
 * @property {Map<string, TableRef>} updates
 * @property {Map<string, TableRef>} deletes
 */

/**
 * @typedef {Object} Arg
 * @property {string} name
 * @property {TypeRef} type
 * @property {ParameterNode} node
 */

/**
 * @typedef {Object} Reducer
 * @property {string} name
 * @property {FunctionDeclaration} fn
 * @property {Arg[]} args
 * @property {import("./postcard.js").SubscriptionEvent | null} event what it subscribes to (`on`)
 * @property {Access} access explicit (reads/inserts/... options), then inferred (access pass)
 * @property {FunctionEntry} decl
 * @property {TableShape} [rowTable] the table whose rows a table-event subscriber receives
 * @property {string | null} migrates the previous version's table whose rows it converts (`migrates`), one call per row
 */

/**
 * @typedef {Object} Query
 * @property {string} name
 * @property {FunctionDeclaration} fn
 * @property {Arg[]} args
 * @property {ReturnType} returnType
 * @property {Access} access
 * @property {FunctionEntry} decl
 * @property {string | null} view the table whose rows it admits per requesting node (`view`), or null
 */

/**
 * Everything the analysis knows; the access pass fills in `access`, schema and codegen only read it.
 * @typedef {Collected & {
 *   bindings: Bindings,
 *   types: Map<string, TypeDef>,
 *   typesByAs: Map<string, TypeDef>,
 *   tables: Table[],
 *   tablesByName: Map<string, Table>,
 *   module: ModuleDecl,
 *   reducers: Reducer[],
 *   reducersByName: Map<string, Reducer>,
 *   queries: Query[],
 * }} Model
 */
