package dev.linmem.replay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The targets known by name, in the order reports list them. Immutable; {@link #with(Target)}
 * returns a new registry.
 */
public final class TargetRegistry {

    private final Map<String, Target> byName;

    private TargetRegistry(Map<String, Target> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** A registry of exactly these targets; names must be distinct. */
    public static TargetRegistry of(List<? extends Target> targets) {
        Map<String, Target> map = new LinkedHashMap<>();
        for (Target t : targets) {
            if (map.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException("duplicate target name: " + t.name());
            }
        }
        return new TargetRegistry(map);
    }

    /**
     * Every strategy linmem ships, in report order: the replayer's own, then those of every
     * {@link TargetProvider} found by {@link java.util.ServiceLoader} (PHP's strategies, and
     * any a user adds on the class or module path).
     */
    public static TargetRegistry standard() {
        return of(StandardTargets.all());
    }

    /** This registry plus {@code target} (its name must be new). */
    public TargetRegistry with(Target target) {
        List<Target> list = new ArrayList<>(byName.values());
        list.add(target);
        return of(list);
    }

    /** Every target, in report order. */
    public List<Target> all() {
        return List.copyOf(byName.values());
    }

    /** Every target's name, in report order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The target named {@code name}, or null when there is none. */
    public Target targetNamed(String name) {
        return byName.get(name);
    }

    /**
     * The targets with these names, in the given order.
     *
     * @throws IllegalArgumentException naming the first unknown name and listing the known ones
     */
    public List<Target> targetsNamed(List<String> names) {
        List<Target> result = new ArrayList<>(names.size());
        for (String name : names) {
            Target t = byName.get(name);
            if (t == null) {
                throw new IllegalArgumentException("unknown target '" + name + "'; known: "
                        + String.join(", ", byName.keySet()));
            }
            result.add(t);
        }
        return result;
    }

    /**
     * The targets that {@link Target#fits(RecordedTrace) fit} this trace, in report order: what
     * {@code linmem replay} runs when no target is named.
     */
    public List<Target> fitting(RecordedTrace trace) {
        return select(t -> t.fits(trace));
    }

    /** The targets that {@link Target#fits(TraceProfile) fit} a trace with this profile, in report order. */
    public List<Target> fitting(TraceProfile profile) {
        return select(t -> t.fits(profile));
    }

    private List<Target> select(Predicate<Target> fits) {
        List<Target> result = new ArrayList<>();
        for (Target t : byName.values()) {
            if (fits.test(t)) {
                result.add(t);
            }
        }
        return result;
    }
}
