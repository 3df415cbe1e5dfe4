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
  @Mixin ClockOptions clockOptions;

  @Override
  public Integer call() throws InterruptedException {
    var config = common.config();
    Clock clock = clockOptions.clock(config.zone(), null, 1.0);
    TravelWatchServer server = TravelWatchServer.start(config, clock);
    CountDownLatch stopped = server.closeOnShutdown();
    System.out.println("TravelWatch is running at " + server.url());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
