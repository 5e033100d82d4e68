/** placeholder */ package dev.interstice.abi;
