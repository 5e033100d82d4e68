/** placeholder */ package dev.interstice.benchmarks;
