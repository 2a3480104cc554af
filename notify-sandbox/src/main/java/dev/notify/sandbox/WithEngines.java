package dev.notify.sandbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Lets a JUnit 5 test class take engines as parameters of its tests, constructors and lifecycle methods.
 *
 * <pre>{@code
 * @WithEngines
 * class DeliveryIT {
 *     @Test
 *     void delivers(KafkaEngine kafka, CassandraEngine cassandra) { ... }   // the JVM's shared engines
 *
 *     @Test
 *     void survives_a_crash(@Dedicated CassandraEngine cassandra) { ... }   // its own, closed after the test
 * }
 * }</pre>
 *
 * A parameter of type {@link KafkaEngine}, {@link CassandraEngine} or {@link RedisEngine} receives the shared
 * instance from {@link Engines}, healthy; after each test every shared engine is brought back to running
 * (resumed, restarted), so a test may stop or pause one. With {@link Dedicated} the parameter receives a new
 * instance, closed when the scope that asked for it ends (the test, or the class for {@code @BeforeAll}).
 * Tests that use shared engines must not run in parallel with tests that stop them.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(EnginesExtension.class)
public @interface WithEngines {
}
