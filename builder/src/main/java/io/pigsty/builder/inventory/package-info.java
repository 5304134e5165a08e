/**
 * The one model of {@code pigsty.yml}: {@link io.pigsty.builder.inventory.InventoryLoader} reads
 * it, in Pigsty's vocabulary, into validated records ({@link
 * io.pigsty.builder.inventory.Inventory}) for every on-box command, with {@code file:line:
 * key.path: reason} errors ({@link io.pigsty.builder.inventory.InventoryException}); {@link
 * io.pigsty.builder.inventory.InventoryTree} holds an inventory as plain data for writing one.
 * Depends on no other package of the builder.
 */
package io.pigsty.builder.inventory;
