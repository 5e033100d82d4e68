/**
 * {@code interstice update}: releases (a source's {@code latest.json}, an archive and its SHA-256), versions, and the
 * installed layout that {@code scripts/install.sh} makes and an update switches atomically.
 */
package dev.interstice.cli.update;
