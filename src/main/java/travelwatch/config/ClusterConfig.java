package travelwatch.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Cluster mode ({@code serve --cluster}): where this node listens for the other members, who they
 * are, and how soon a silent member is declared gone. Read (and checked) in every mode, so a bad
 * member list stops start-up even before it is used.
 *
 * @param enabled whether this process joins a cluster ({@code serve --cluster})
 * @param host the address this node binds and advertises to the others
 * @param port the port the cluster manager listens on
 * @param busPort the event bus's port (0: any free port, advertised through the cluster manager)
 * @param members every member's {@code host:port}, this node's included or not
 * @param heartbeatTimeoutSeconds how long a member may be silent before it is declared gone
 */
public record ClusterConfig(
    boolean enabled,
    String host,
    int port,
    int busPort,
    List<Member> members,
    int heartbeatTimeoutSeconds) {

  /** One member's address in the join list. */
  public record Member(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  public ClusterConfig {
    members = List.copyOf(members);
  }

  /** The same settings with cluster mode switched on. */
  public ClusterConfig clustered() {
    return new ClusterConfig(true, host, port, busPort, members, heartbeatTimeoutSeconds);
  }

  /** The members to join: the configured list, or this node alone when none is given. */
  public List<Member> joinList() {
    return members.isEmpty() ? List.of(new Member(host, port)) : members;
  }

  static ClusterConfig from(Settings settings) {
    String host = settings.text("clusterHost", "127.0.0.1");
    if (host.isBlank() || host.contains(" ") || host.contains(",")) {
      throw new ConfigException(
          settings.label("clusterHost"), "must be a host name or IP address, got '" + host + "'");
    }
    int port = settings.integer("clusterPort", 5701, 1, 65535);
    int busPort = settings.integer("clusterBusPort", 0, 0, 65535);
    List<Member> members =
        members(settings.label("clusterMembers"), settings.text("clusterMembers", ""));
    int timeout = settings.integer("clusterHeartbeatTimeoutSeconds", 10, 2, 300);
    return new ClusterConfig(false, host, port, busPort, members, timeout);
  }

  /** Parses {@code host:port,host:port,…}; an empty list means "this node alone". */
  static List<Member> members(String setting, String text) {
    List<Member> members = new ArrayList<>();
    if (text.isBlank()) {
      return members;
    }
    String format = "must be host:port,host:port,… (e.g. 10.0.0.1:5701,10.0.0.2:5701)";
    for (String item : text.split(",", -1)) {
      String entry = item.trim();
      int colon = entry.lastIndexOf(':');
      if (entry.isEmpty() || colon <= 0 || colon == entry.length() - 1) {
        throw new ConfigException(setting, format + ", got '" + entry + "'");
      }
      String host = entry.substring(0, colon);
      String portText = entry.substring(colon + 1);
      int port;
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        throw new ConfigException(
            setting, format + ", got port '" + portText + "' in '" + entry + "'");
      }
      if (port < 1 || port > 65535 || host.contains(" ")) {
        throw new ConfigException(setting, format + ", got '" + entry + "'");
      }
      Member member = new Member(host, port);
      if (members.contains(member)) {
        throw new ConfigException(setting, "names " + entry + " twice");
      }
      members.add(member);
    }
    return members;
  }
}
