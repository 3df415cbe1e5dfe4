package travelwatch.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import travelwatch.notify.Notifications;
import travelwatch.notify.Outbox;
import travelwatch.notify.RoutingTable;
import travelwatch.notify.RuleJson;

/** {@code rules list | set FILE}: who gets which alert emails (the routing rules). */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "List or replace the email routing rules.",
    subcommands = {RulesCommand.ListRules.class, RulesCommand.SetRules.class})
public final class RulesCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Print the routing rules as JSON on stdout.")
  static final class ListRules implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Override
    public Integer call() {
      RoutingTable table = DatabaseSession.run(common.config(), pool -> new Outbox(pool).rules());
      System.out.println(RuleJson.write(table).encodePrettily());
      return 0;
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Replace every routing rule with the JSON array in FILE (checked first: nothing changes",
        "if any rule has a problem), then print the rules now in force."
      })
  static final class SetRules implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(paramLabel = "FILE", description = "A JSON array of routing rules.")
    Path file;

    @Override
    public Integer call() {
      RoutingTable wanted = Notifications.readRulesFile(file);
      RoutingTable table =
          DatabaseSession.run(common.config(), pool -> new Outbox(pool).replaceRules(wanted));
      System.out.println(RuleJson.write(table).encodePrettily());
      System.err.println("Routing rules replaced (" + table.rules().size() + " rules).");
      return 0;
    }
  }
}
