package travelwatch.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import travelwatch.server.TravelWatchServer;

/** {@code serve}: runs the server until the process is stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the TravelWatch server.")
public final class ServeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin ClockOptions clockOptions;

  @Option(
      names = "--cluster",
      description =
          "Join the cluster of TW_CLUSTER_MEMBERS (host:port,…) from TW_CLUSTER_HOST:TW_CLUSTER_PORT"
              + " (default 127.0.0.1:5701); the members share the monitoring through PostgreSQL.")
  boolean cluster;

  @Override
  public Integer call() throws InterruptedException {
    var config = cluster ? common.config().clustered() : common.config();
    Clock clock = clockOptions.clock(config.zone(), null, 1.0);
    TravelWatchServer server = TravelWatchServer.start(config, clock);
    CountDownLatch stopped = server.closeOnShutdown();
    System.out.println("TravelWatch is running at " + server.url());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
