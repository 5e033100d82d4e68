/** placeholder */ package dev.interstice.cli;
