/* commands.h — one function per command, one file per command (cmd_NAME.c). */
#ifndef LEARNKIT_COMMANDS_H
#define LEARNKIT_COMMANDS_H

int cmd_fetch(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_mlp(int argc, char **argv);
int cmd_elm(int argc, char **argv);
int cmd_ae(int argc, char **argv);
int cmd_logreg(int argc, char **argv);
int cmd_lsq(int argc, char **argv);
int cmd_perceptron(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_score(int argc, char **argv);

#endif
