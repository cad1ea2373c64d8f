package io.smack.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Runs another main class and exits when the process that started it dies.
 *
 * <p>A server of the local stack is started with a pipe as its standard input that nobody writes
 * to. When the parent ends, however it ends (even killed), the pipe closes; this wrapper sees the
 * end of input and exits the JVM, running the server's own shutdown hooks, so that no server
 * outlives the stack that started it.
 *
 * <p>Usage: {@code java [-Dlocalstack.cgroup=FOLDER] -cp ... io.smack.localstack.ExitWithParent
 * <main class> [args...]}: with {@code localstack.cgroup}, the process first joins that cgroup
 * ({@link NetworkFaults}).
 */
public final class ExitWithParent {

  /**
   * A cgroup (v2) folder this process joins before the main class runs, so that every socket it
   * opens is told apart by a {@link NetworkFaults} rule. Not under {@code smack.}: the parts refuse
   * a system property there that is not one of their settings.
   */
  static final String CGROUP_PROPERTY = "localstack.cgroup";

  private static final long HALT_AFTER_SECONDS = 30;

  private ExitWithParent() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ExitWithParent <main class> [args...]");
    }
    String cgroup = System.getProperty(CGROUP_PROPERTY);
    if (cgroup != null) {
      // before the main class opens any socket: a socket's cgroup is the one it was made in
      Path folder = Path.of(cgroup);
      Files.createDirectories(folder);
      Files.writeString(
          folder.resolve("cgroup.procs"),
          String.valueOf(ProcessHandle.current().pid()),
          StandardCharsets.US_ASCII);
    }
    Thread watch = new Thread(() -> exitAtEndOf(System.in), "exit-with-parent");
    watch.setDaemon(true);
    watch.start();
    MethodHandle main =
        MethodHandles.publicLookup()
            .findStatic(
                Class.forName(args[0]), "main", MethodType.methodType(void.class, String[].class));
    main.invoke((Object) Arrays.copyOfRange(args, 1, args.length));
  }

  private static void exitAtEndOf(InputStream parentPipe) {
    try {
      while (parentPipe.read() >= 0) {
        // the parent never writes; anything read is ignored
      }
    } catch (IOException e) {
      // a broken pipe means the same as its end: the parent is gone
    }
    Thread halt =
        new Thread(
            () -> {
              try {
                TimeUnit.SECONDS.sleep(HALT_AFTER_SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(1);
            },
            "halt-if-shutdown-hangs");
    halt.setDaemon(true);
    halt.start();
    System.exit(0);
  }
}
