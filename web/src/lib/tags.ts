/** The tag tree: Immich sends a flat list where each tag names its parent; pages show a tree. */
import type { Tag } from '../api/types';

export interface TagNode {
  tag: Tag;
  depth: number;
  children: TagNode[];
}

/** Tags as a tree, each level sorted by name; a tag whose parent is missing is a root. */
export function tagTree(tags: Tag[]): TagNode[] {
  const nodes = new Map(tags.map((tag) => [tag.id, { tag, depth: 0, children: [] as TagNode[] }]));
  const roots: TagNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.tag.parentId ? nodes.get(node.tag.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sortAndDepth = (level: TagNode[], depth: number) => {
    level.sort((a, b) => a.tag.name.localeCompare(b.tag.name));
    for (const node of level) {
      node.depth = depth;
      sortAndDepth(node.children, depth + 1);
    }
  };
  sortAndDepth(roots, 0);
  return roots;
}

/** The tree in reading order, parents before their children. */
export function flatten(tree: TagNode[]): TagNode[] {
  return tree.flatMap((node) => [node, ...flatten(node.children)]);
}

/** A path the user typed, as the server stores it: parts trimmed, blank parts dropped. */
export function normalizePath(path: string): string {
  return path
    .split('/')
    .map((part) => part.trim())
    .filter(Boolean)
    .join('/');
}
