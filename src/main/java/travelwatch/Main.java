package travelwatch;

import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import travelwatch.cli.AuditCommand;
import travelwatch.cli.DemoCommand;
import travelwatch.cli.KeysCommand;
import travelwatch.cli.KpiCommand;
import travelwatch.cli.PlanCommand;
import travelwatch.cli.RulesCommand;
import travelwatch.cli.ServeCommand;
import travelwatch.cli.SimulateCommand;
import travelwatch.cli.UsersCommand;
import travelwatch.config.ConfigException;
import travelwatch.platform.db.DatabaseUnavailableException;

/** The {@code travelwatch} command line. */
@Command(
    name = "travelwatch",
    mixinStandardHelpOptions = true,
    version = "TravelWatch 0.1.0",
    description = "Real-time operational monitoring for home-to-school transport.",
    subcommands = {
      ServeCommand.class,
      DemoCommand.class,
      SimulateCommand.class,
      KeysCommand.class,
      RulesCommand.class,
      UsersCommand.class,
      PlanCommand.class,
      KpiCommand.class,
      AuditCommand.class,
      HelpCommand.class
    })
public final class Main {
  /** Commands whose stdout is a log stream; every other command keeps stdout for its output. */
  private static final Set<String> SERVERS = Set.of("serve", "demo");

  public static void main(String[] args) {
    boolean server = args.length > 0 && SERVERS.contains(args[0]);
    System.setProperty("tw.log.target", server ? "System.out" : "System.err");
    String format = System.getenv("TW_LOG_FORMAT");
    System.setProperty("tw.log.format", "json".equalsIgnoreCase(format) ? "JSON" : "TEXT");
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigException) {
            System.err.println("travelwatch: invalid configuration: " + e.getMessage());
            return 2;
          }
          if (e instanceof DatabaseUnavailableException) {
            System.err.println("travelwatch: " + e.getMessage());
            return 3;
          }
          throw e;
        });
    return cli.execute(args);
  }
}
