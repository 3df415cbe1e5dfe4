package travelwatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A benchmark's reference endpoint, started as a JVM of its own as the server is. */
final class BenchProcess {
  private BenchProcess() {}

  /**
   * Runs {@code main} of {@code endpoint} on this test classpath with {@code args}, and waits until
   * it listens on {@code port}; destroy the returned process to stop it.
   */
  static Process start(Class<?> endpoint, int port, Path log, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(endpoint.getName());
    command.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!listening(port)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IllegalStateException(endpoint.getSimpleName() + " did not start; see " + log);
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean listening(int port) {
    try (var socket = new java.net.Socket("localhost", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
