package dev.interstice.abi.host;

/**
 * Our extension of ABI 6 (docs/abi.md §4.4): the content store's fourteen operations (Theater's {@code store}
 * interface), sent through the extra import {@code interstice_store}. Upstream's modules never import it, so they never
 * see it. A content ref is the SHA-256 of the content in lower-case hex; {@code store} names one of the calling
 * module's stores (made by {@link New}).
 */
public sealed interface StoreCall {
    record New() implements StoreCall {}

    record Store(String store, byte[] content) implements StoreCall {}

    record Get(String store, String hash) implements StoreCall {}

    record Exists(String store, String hash) implements StoreCall {}

    record Label(String store, String label, String hash) implements StoreCall {}

    record GetByLabel(String store, String label) implements StoreCall {}

    record RemoveLabel(String store, String label) implements StoreCall {}

    record RemoveFromLabel(String store, String label, String hash) implements StoreCall {}

    record StoreAtLabel(String store, String label, byte[] content) implements StoreCall {}

    record ReplaceContentAtLabel(String store, String label, byte[] content) implements StoreCall {}

    record ReplaceAtLabel(String store, String label, String hash) implements StoreCall {}

    record ListLabels(String store) implements StoreCall {}

    record ListAllContent(String store) implements StoreCall {}

    record CalculateTotalSize(String store) implements StoreCall {}
}
