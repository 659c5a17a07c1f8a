/* Two files, to check separate compilation and linking. */
void report_args(int argc, char **argv);
int report_env(char **envp, const char *name);
