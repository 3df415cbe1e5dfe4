package travelwatch.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import travelwatch.TravelWatchServer;

/** {@code serve}: runs the server until the process is stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the TravelWatch server.")
public final class ServeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() throws InterruptedException {
    TravelWatchServer server = TravelWatchServer.start(common.config(), Clock.systemDefaultZone());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "travelwatch-shutdown"));
    System.out.println("TravelWatch is running at " + server.url());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
