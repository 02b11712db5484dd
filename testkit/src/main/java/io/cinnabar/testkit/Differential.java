package io.cinnabar.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A differential test class: {@link DifferentialExtension} starts one server under test and one real
 * {@code redis-server} for the whole class (stopped after it, also when a test or the start fails) and injects
 * {@link Pair} (a connection to each, RESP2 or {@link Resp @Resp(3)}) and {@link DifferentialServers}.
 * Inherited, so an abstract contract test can carry it for its concrete subclasses.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(DifferentialExtension.class)
public @interface Differential {
    /** The server under test's factory: a class with a public no-arg constructor. */
    Class<? extends ServerUnderTest> server();

    /** Options for both servers at start: name, value, name, value ... */
    String[] config() default {};
}
