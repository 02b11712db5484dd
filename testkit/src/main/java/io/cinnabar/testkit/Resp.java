package io.cinnabar.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The protocol of an injected {@link Pair}: 2 (the default without this annotation) or 3 ({@code HELLO 3}). */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Resp {
    int value();
}
