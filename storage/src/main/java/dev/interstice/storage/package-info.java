/** placeholder */ package dev.interstice.storage;
