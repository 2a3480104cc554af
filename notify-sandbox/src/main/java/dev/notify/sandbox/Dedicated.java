package dev.notify.sandbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@link WithEngines} for a new engine of the test's own instead of the shared one: started before the
 * test, closed (its data deleted) when the test, or the class for a {@code @BeforeAll} parameter, is done.
 * Costs a full startup; use it when a test leaves the engine in a state others must not see.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Dedicated {
}
