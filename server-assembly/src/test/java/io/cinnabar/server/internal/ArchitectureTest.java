package io.cinnabar.server.internal;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the server (see package-info of {@code io.cinnabar.server.internal}): every class depends
 * only on its own layer and the layers below, and no two internal packages form a cycle. The last two tests run
 * the same rules on test fixtures that break them, so the rules are shown to fail when they should.
 */
class ArchitectureTest {
    private static final String ROOT = "io.cinnabar.server.internal";

    /** Layers bottom to top; a layer is a package (exact) or, ending in ".*", every subpackage of one. */
    static final List<String> LAYERS = List.of(
        "config", "keyspace", "command", "evict", "propagate", "pubsub", "acl", "blocking", "multi", "type", "type.*",
        "generic", "scripting", "persist", "persist.*", "replication", "cluster", "sentinel", "admin", "net", "", "warmup", "io.cinnabar.server");

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.cinnabar.server");
    }

    /** The layer of a package, or -1 for a package outside the server. */
    static int layerOf(String pkg) {
        if (pkg.equals("io.cinnabar.server")) {
            return LAYERS.size() - 1;
        }
        if (!pkg.equals(ROOT) && !pkg.startsWith(ROOT + ".")) {
            return -1;
        }
        String rel = pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
        int best = -1;
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            String l = LAYERS.get(i);
            boolean match = l.endsWith(".*") ? rel.startsWith(l.substring(0, l.length() - 1))
                : rel.equals(l) || !l.isEmpty() && rel.startsWith(l + ".");
            if (match) {
                best = i; // the most specific match wins ("type.list" is type.*, not type)
            }
        }
        if (best < 0) {
            throw new AssertionError("package " + pkg + " is in no layer: add it to ArchitectureTest.LAYERS");
        }
        return best;
    }

    static final ArchCondition<JavaClass> ONLY_OWN_OR_LOWER_LAYERS =
        new ArchCondition<>("depend only on classes of its own layer or a lower one") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                int from = layerOf(item.getPackageName());
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    int to = layerOf(d.getTargetClass().getPackageName());
                    if (to > from) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription() + " (layer "
                            + LAYERS.get(from) + " -> higher layer " + LAYERS.get(to) + ")"));
                    }
                }
            }
        };

    static final ArchRule LAYERED = ArchRuleDefinition.classes().that().resideInAPackage("io.cinnabar.server..")
        .should(ONLY_OWN_OR_LOWER_LAYERS);

    static final ArchRule NO_CYCLES = slices().matching("io.cinnabar.server.internal.(**)").should().beFreeOfCycles();

    @Test
    void everyPackageDependsOnlyOnItsOwnLayerOrLowerOnes() {
        LAYERED.check(production);
    }

    @Test
    void noTwoInternalPackagesFormACycle() {
        NO_CYCLES.check(production);
    }

    @Test
    void everyInternalPackageIsInALayer() {
        for (JavaClass c : production) {
            assertTrue(layerOf(c.getPackageName()) >= 0 || !c.getPackageName().startsWith("io.cinnabar.server"),
                c.getName());
        }
        assertEquals(LAYERS.indexOf("type.*"), layerOf(ROOT + ".type.list"));
        assertEquals(LAYERS.indexOf("type"), layerOf(ROOT + ".type"));
        assertEquals(LAYERS.indexOf("keyspace"), layerOf(ROOT + ".keyspace.mem"));
    }

    @Test
    void anUpwardDependencyIsReported() {
        JavaClasses fixture = new ClassFileImporter()
            .importClasses(io.cinnabar.server.internal.keyspace.ArchUpwardFixture.class);
        EvaluationResult r = LAYERED.evaluate(fixture);
        assertTrue(r.hasViolation());
        assertTrue(r.getFailureReport().toString().contains("layer keyspace -> higher layer command"),
            r.getFailureReport().toString());
    }

    @Test
    void aCycleBetweenTwoPackagesIsReported() {
        JavaClasses fixture = new ClassFileImporter().importClasses(
            io.cinnabar.server.internal.type.hash.ArchCycleFixtureA.class,
            io.cinnabar.server.internal.type.set.ArchCycleFixtureB.class);
        assertTrue(NO_CYCLES.evaluate(fixture).hasViolation());
        assertFalse(LAYERED.evaluate(fixture).hasViolation()); // peers of one layer: only the cycle rule sees it
    }
}
