package dev.masync.connector.bench;

/** One line of the summary: a target, what was measured, whether it was met ({@code null}: information). */
record Row(String target, String measured, Boolean met) {}
