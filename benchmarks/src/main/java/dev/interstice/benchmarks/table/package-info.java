/** What committed rows cost in memory (issue 18). */
package dev.interstice.benchmarks.table;
