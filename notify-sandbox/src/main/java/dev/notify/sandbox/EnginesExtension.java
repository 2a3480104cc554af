package dev.notify.sandbox;

import java.util.UUID;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** The extension behind {@link WithEngines}. */
final class EnginesExtension implements ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EnginesExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaEngine.class || type == CassandraEngine.class || type == RedisEngine.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (!parameter.isAnnotated(Dedicated.class)) {
            return shared(type);
        }
        Engine engine = dedicated(type);
        // JUnit closes AutoCloseable values of a store when its context ends.
        context.getStore(NAMESPACE).put(UUID.randomUUID().toString(), engine);
        return engine;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Engines.healShared();
    }

    private static Engine shared(Class<?> type) {
        if (type == KafkaEngine.class) {
            return Engines.sharedKafka();
        }
        if (type == CassandraEngine.class) {
            return Engines.sharedCassandra();
        }
        if (type == RedisEngine.class) {
            return Engines.sharedRedis();
        }
        throw new ParameterResolutionException("not an engine type: " + type);
    }

    private static Engine dedicated(Class<?> type) {
        if (type == KafkaEngine.class) {
            return Engines.newKafka();
        }
        if (type == CassandraEngine.class) {
            return Engines.newCassandra();
        }
        if (type == RedisEngine.class) {
            return Engines.newRedis();
        }
        throw new ParameterResolutionException("not an engine type: " + type);
    }
}
