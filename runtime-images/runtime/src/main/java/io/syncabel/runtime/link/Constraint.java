package io.syncabel.runtime.link;

/**
 * Where decoding enters a trie: the node reached by the verb tokens that close the forced prefix, so
 * that the first generated token is an edge below the verb, as in the original ({@code " is"} is the
 * trie's root edge and the last prefix token).
 *
 * @param trie the semantic group's names
 * @param startNode the node after the verb tokens, -1 if the trie holds no name after that verb
 * @param startDepth number of verb tokens walked
 */
public record Constraint(NameTrie trie, int startNode, int startDepth) {

    public static Constraint after(NameTrie trie, int[] verbTokens) {
        return new Constraint(trie, trie.walk(trie.root(), verbTokens), verbTokens.length);
    }

    /** Longest possible name continuation from the start node, end token included. */
    int maxGenerated() {
        return startNode < 0 ? 0 : trie.maxDepth() - startDepth + 1;
    }
}
