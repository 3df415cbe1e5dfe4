package travelwatch.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import travelwatch.access.AccessStore;
import travelwatch.access.Scope;
import travelwatch.platform.http.InboundText;

/**
 * {@code keys create}: prints a new API key once, alone on stdout; only its hash is stored. {@code
 * keys list} shows every key but never the key; {@code keys revoke ID} revokes one, refused at once
 * on every node.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Manage API keys.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List every key: id, prefix, owner, created, last used, revoked (never the key).")
  static final class ListKeys implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Override
    public Integer call() {
      var keys = DatabaseSession.run(common.config(), pool -> new AccessStore(pool).keys());
      System.out.println("id\tprefix\towner\tcreatedAt\tlastUsedAt\trevokedAt");
      for (AccessStore.StoredKey k : keys) {
        System.out.println(
            k.id()
                + "\t"
                + k.prefix()
                + "\t"
                + (k.operatorId() != null ? "operator " + k.operatorId() : "scope " + k.scope())
                + "\t"
                + k.createdAt()
                + "\t"
                + (k.lastUsedAt() == null ? "-" : k.lastUsedAt())
                + "\t"
                + (k.revokedAt() == null ? "-" : k.revokedAt()));
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a key (its id from 'keys list'): refused at once on every node.")
  static final class Revoke implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(paramLabel = "ID", description = "The key's id.")
    long id;

    @Override
    public Integer call() {
      var revoked =
          DatabaseSession.run(
              common.config(), pool -> new AccessStore(pool).revokeKey(id, Instant.now()));
      if (revoked.isEmpty()) {
        System.err.println("travelwatch: there is no key " + id);
        return 1;
      }
      System.err.println(
          "Key "
              + id
              + " ("
              + revoked.get().prefix()
              + "…) is revoked since "
              + revoked.get().revokedAt()
              + ".");
      return 0;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create an API key and print it once on stdout (only its hash is stored).",
        "An operator key reaches only that operator's runs, crew and pupils."
      })
  static final class Create implements Callable<Integer> {
    @Mixin CommonOptions common;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Owner owner;

    static final class Owner {
      @Option(
          names = "--operator",
          paramLabel = "ID",
          description = "The operator the key belongs to.")
      String operatorId;

      @Option(
          names = "--scope",
          paramLabel = "SCOPE",
          description = "A council key: telephony, casework, hr, admin or control.")
      String scope;
    }

    @Override
    public Integer call() {
      Scope scope = null;
      if (owner.scope != null) {
        try {
          scope = Scope.parse(owner.scope);
        } catch (IllegalArgumentException e) {
          System.err.println(
              "travelwatch: --scope must be telephony, casework, hr, admin or control");
          return 2;
        }
      }
      Scope chosen = scope;
      if (chosen == null && InboundText.idProblem(owner.operatorId) != null) {
        System.err.println("travelwatch: --operator " + InboundText.ID_RULE);
        return 2;
      }
      String key =
          DatabaseSession.run(
              common.config(),
              pool -> {
                AccessStore store = new AccessStore(pool);
                return chosen == null
                    ? store.createOperatorKey(owner.operatorId)
                    : store.createScopeKey(chosen);
              });
      System.out.println(key);
      System.err.println(
          "Created a key for "
              + (chosen == null ? "operator " + owner.operatorId : "scope " + chosen.wireName())
              + ". It is shown only this once.");
      return 0;
    }
  }
}
