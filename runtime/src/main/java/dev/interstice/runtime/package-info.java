/** placeholder */ package dev.interstice.runtime;
