/**
 * Node images (Wetware's layout, seed 003): {@code bin/main.wasm}, further modules in {@code usr/lib/}, the node's
 * configuration in {@code etc/node.toml} and optionally its tables in {@code data/}; as a directory or a tar archive,
 * named by a content hash. {@code interstice bundle} writes one, {@code interstice run} boots a node from one.
 */
package dev.interstice.cli.image;
