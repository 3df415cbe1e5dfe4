package travelwatch.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** {@code java -jar target/travelwatch.jar …} as a separate process, as a user would run it. */
public final class JarProcess implements AutoCloseable {
  public static final Path JAR = Path.of("target", "travelwatch.jar");

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private JarProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static JarProcess start(Map<String, String> env, Path workDir, String... args) {
    try {
      Files.createDirectories(workDir);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx512m");
      command.add("-jar");
      command.add(JAR.toAbsolutePath().toString());
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
      builder.environment().keySet().removeIf(k -> k.startsWith("TW_"));
      builder.environment().putAll(env);
      Path out = Files.createTempFile(workDir, "stdout", ".txt");
      Path err = Files.createTempFile(workDir, "stderr", ".txt");
      builder.redirectOutput(out.toFile()).redirectError(err.toFile());
      return new JarProcess(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a command to the end and returns its exit code; output stays readable. */
  public static JarProcess run(
      Map<String, String> env, Path workDir, String stdin, String... args) {
    JarProcess p = start(env, workDir, args);
    try {
      if (stdin != null) {
        p.process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.process.getOutputStream().close();
      if (!p.process.waitFor(120, TimeUnit.SECONDS)) {
        p.process.destroyForcibly();
        throw new AssertionError(
            "travelwatch " + String.join(" ", args) + " did not finish: " + p.stderr());
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public int exitCode() {
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends SIGTERM and waits for the process to end. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("did not stop within 60 s");
    }
    return process.exitValue();
  }

  /** Sends SIGKILL: no shutdown hooks run. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  /** Waits for a condition, failing with {@code what} after the deadline. */
  public static void await(String what, Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Timed out after " + deadline + " waiting for " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /**
   * For a test on the real clock with a plan for today (London) only: within {@code margin} of
   * London midnight, waits until just after it, so the test does not run across the day's end.
   */
  public static void awaitClearOfLondonMidnight(Duration margin) {
    java.time.ZoneId london = java.time.ZoneId.of("Europe/London");
    java.time.ZonedDateTime now = java.time.ZonedDateTime.now(london);
    Duration toMidnight = Duration.between(now, now.toLocalDate().plusDays(1).atStartOfDay(london));
    if (toMidnight.compareTo(margin) < 0) {
      java.time.LocalDate before = now.toLocalDate();
      await(
          "London midnight to pass",
          toMidnight.plusSeconds(30),
          () -> java.time.LocalDate.now(london).isAfter(before));
    }
  }
}
