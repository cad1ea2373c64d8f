package io.smack.localstack;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests a running local stack: {@code @ExtendWith(LocalStackExtension.class)},
 * then a {@link StackAddresses} parameter in any test or lifecycle method.
 *
 * <p>The stack starts once per test JVM, on free ports so that a developer's running stack does not
 * collide, with its data under {@code target/local-stack}, and stops when the JVM's tests are done.
 * With {@code -Dsmack.stack.file=PATH} the tests use an already running stack instead (the ready
 * file {@code bin/smack up --ready-file} writes), and with {@code -Dsmack.stack.cluster=true} on
 * the local cluster ({@code bin/smack up --cluster}: three Kafka and three Cassandra nodes, where
 * the pipeline's parts run at {@code LOCAL_QUORUM}; {@link StackAddresses#environment()} says so).
 * Tests share the stack: each uses topics and a keyspace with a name of its own.
 *
 * <p>Uses the JDK and JUnit only: the stack's libraries never reach the test's classpath.
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(LocalStackExtension.class);
  private static final String STACK_FILE = "smack.stack.file";
  private static final String CLUSTER = "smack.stack.cluster";

  @Override
  public void beforeAll(ExtensionContext context) {
    addresses(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == StackAddresses.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return addresses(context);
  }

  private static StackAddresses addresses(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("stack", key -> open(), RunningStack.class)
        .addresses();
  }

  private static RunningStack open() {
    String file = System.getProperty(STACK_FILE);
    if (file != null && !file.isBlank()) {
      return new RunningStack(StackAddresses.readFrom(Path.of(file)), null);
    }
    boolean cluster = Boolean.getBoolean(CLUSTER);
    LauncherProcess launcher =
        LauncherProcess.start(
            Path.of("target", cluster ? "local-cluster" : "local-stack"), cluster);
    return new RunningStack(launcher.addresses(), launcher);
  }

  /** The stack of this JVM; JUnit closes it after the last test. */
  private record RunningStack(StackAddresses addresses, LauncherProcess launcher)
      implements ExtensionContext.Store.CloseableResource {

    @Override
    public void close() {
      if (launcher != null) {
        launcher.close();
      }
    }
  }
}
