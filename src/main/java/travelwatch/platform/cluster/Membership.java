package travelwatch.platform.cluster;

import java.util.List;
import java.util.function.Consumer;

/**
 * Who is in the cluster, as the cluster manager sees it: how many members share the shards, and
 * news of members joining or leaving. A node that is not clustered is a cluster of one.
 */
public interface Membership {
  /** Whether this node is part of a cluster. */
  boolean clustered();

  /** This node's member id (its lock session is named after it, so others can fence it). */
  String nodeId();

  /** The members' ids, this node included. */
  List<String> members();

  /**
   * Calls {@code changed} when members join or leave and {@code removed} with the id of each member
   * declared gone; on the cluster manager's threads.
   */
  void listen(Runnable changed, Consumer<String> removed);

  /** A node on its own. */
  static Membership single() {
    return new Membership() {
      @Override
      public boolean clustered() {
        return false;
      }

      @Override
      public String nodeId() {
        return "single";
      }

      @Override
      public List<String> members() {
        return List.of(nodeId());
      }

      @Override
      public void listen(Runnable changed, Consumer<String> removed) {}
    };
  }
}
