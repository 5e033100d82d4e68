package dev.interstice.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * Makes the objects picocli needs: commands, mixins, converters, version providers, and the collections behind
 * multi-value options. picocli's default factory reaches a package-private constructor only after an
 * IllegalAccessException per class, which a short-lived JVM pays for in its interpreter.
 */
final class CommandFactory implements CommandLine.IFactory {
    static final CommandFactory INSTANCE = new CommandFactory();

    private CommandFactory() {}

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        if (cls.isInterface()) return cls.cast(collection(cls));
        var constructor = cls.getDeclaredConstructor();
        constructor.setAccessible(true);
        return constructor.newInstance();
    }

    private static Object collection(Class<?> cls) {
        if (SortedSet.class.isAssignableFrom(cls)) return new TreeSet<>();
        if (Set.class.isAssignableFrom(cls)) return new LinkedHashSet<>();
        if (Queue.class.isAssignableFrom(cls)) return new LinkedList<>();
        if (List.class.isAssignableFrom(cls) || cls == Collection.class) return new ArrayList<>();
        if (SortedMap.class.isAssignableFrom(cls)) return new TreeMap<>();
        if (Map.class.isAssignableFrom(cls)) return new LinkedHashMap<>();
        throw new CommandLine.InitializationException("cannot make an instance of the interface " + cls.getName());
    }
}
